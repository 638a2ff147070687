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


# Files a message carries, built when it is sent from the object it is about (a calendar file for an
# appointment): kind -> function(about, message) returning [(filename, content, mimetype)].
ATTACHMENTS = {}


def register_attachment(kind):
    def decorator(build):
        ATTACHMENTS[kind] = build
        return build

    return decorator


def attachments(message):
    build = ATTACHMENTS.get(message.kind)
    if build is None or message.about_type_id is None:
        return []
    about = message.about_type.model_class()._base_manager.filter(pk=message.about_id).first()
    return build(about, message) if about is not None else []
