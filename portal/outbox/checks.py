"""Does a message still apply? Checked just before sending.

Each app registers, for the kinds of message it queues, a function given the object the message is
about and the message itself (its `version` says which state it announced); it answers False when the
message no longer applies (an offer answered, an appointment cancelled or moved). Kinds without a check
always apply. A message whose object was deleted no longer applies.
"""

CHECKS = {}


def register(kind):
    def decorator(check):
        CHECKS[kind] = check
        return check

    return decorator


def still_applies(message):
    if message.about_type_id is None:
        return True
    about = message.about_type.model_class()._base_manager.filter(pk=message.about_id).first()
    if about is None:
        return False
    check = CHECKS.get(message.kind)
    return check is None or bool(check(about, message))
