"""notifications/ asks for its emails to be sent without knowing the job layer: notifications.tasks listens."""

from django.dispatch import Signal

# New notifications with an email to send were created. sender: Notification.
emails_waiting = Signal()

# New notifications with a push to send to a device were created. sender: Notification.
pushes_waiting = Signal()
