"""Every callback, action and block id decisionbot uses with Slack, in one place."""

from enum import StrEnum


class Command(StrEnum):
    DECIDE = "/decide"


class Shortcut(StrEnum):
    RECORD_AS_DECISION = "record_as_decision"


class View(StrEnum):
    DECIDE = "decide_modal"
    DISSENT = "dissent_modal"
    ANSWER = "answer_dissent_modal"
    CHANGE_TYPE = "change_type_modal"
    REVISIT = "revisit_modal"
    EDIT = "edit_modal"
    WITHDRAW = "withdraw_modal"
    SUPERSEDE = "supersede_modal"


class Action(StrEnum):
    COMMIT_AGREE = "commit_agree"
    COMMIT_DISAGREE = "commit_disagree"
    OPEN_DISSENT = "open_dissent"
    OPEN_ANSWER = "open_answer"
    OPEN_CHANGE_TYPE = "open_change_type"
    OPEN_EDIT = "open_edit"
    CLOSE_DECISION = "close_decision"
    OPEN_WITHDRAW = "open_withdraw"
    OPEN_SUPERSEDE = "open_supersede"
    POST_CARD = "post_card"
    REVISIT_KEEP = "revisit_keep"
    REVISIT_REVERSE = "revisit_reverse"
    REVISIT_LATER = "revisit_later"
    REVISIT_SUPERSEDE = "revisit_supersede"
    LIST_PREVIOUS = "list_previous"
    LIST_NEXT = "list_next"
    HOME_PREVIOUS = "home_previous"
    HOME_NEXT = "home_next"
    # inputs of the /decide modal that redraw it when changed
    TYPE_CHOICE = "type_choice"
    UNDO_CHEAPLY = "undo_cheaply"
    LOCKS_IN = "locks_in"
    WHO_IS_AFFECTED = "who_is_affected"


class Block(StrEnum):
    SOURCE = "source_message"  # the quoted message a decision is recorded from
    TITLE = "title"
    WHAT_AND_WHY = "what_and_why"
    OPTIONS = "options_considered"
    DECIDER = "decider"
    STAKEHOLDERS = "stakeholders"
    TYPE = "decision_type"
    UNDO_CHEAPLY = "q_undo_cheaply"
    LOCKS_IN = "q_locks_in"
    WHO_IS_AFFECTED = "q_who_is_affected"
    SUGGESTION = "type_suggestion"
    COMMIT_BY = "commit_by"
    REVISIT_ON = "revisit_on"
    REVIEW_ON = "review_on"  # a Type 1 decision's outcome review
    CONFIDENCE = "confidence"
    DISSENT_REASON = "dissent_reason"
    DISSENT_WOULD_CHANGE = "dissent_would_change"
    DISSENT_PREDICTION = "dissent_prediction"
    ANSWER_HEARD = "answer_heard"
    ANSWER_WEIGHED = "answer_weighed"
    NEW_TYPE = "new_type"
    TYPE_CHANGE_REASON = "type_change_reason"
    COMMIT_ACTIONS = "commit_actions"
    DECIDER_ACTIONS = "decider_actions"
    REVISIT_ACTIONS = "revisit_actions"
    NEXT_REVISIT_ON = "next_revisit_on"
    REVISIT_REASON = "revisit_reason"
    REVISIT_OUTCOME = "revisit_outcome"
    REVISIT_LEARNED = "revisit_learned"
    REVISIT_DOOR = "revisit_door"  # was the door called right?
    # One per dissent at a revisit, followed by the dissent's id: did it prove right?
    DISSENT_CALL_PREFIX = "dissent_call_"
    SMALL_EDIT = "small_edit"
    WITHDRAW_REASON = "withdraw_reason"
    SUPERSEDE_HOW = "supersede_how"
    SUPERSEDED_BY = "superseded_by"


# The value of every input element is read with this action id inside its block.
INPUT = "value"
