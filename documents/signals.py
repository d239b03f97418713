"""What documents/ asks of the layer that runs jobs, without knowing it: documents.tasks listens."""

from django.dispatch import Signal

# A PDF, a minutes book or a committee's archive was marked "being prepared": render it once the
# transaction commits. sender: the model (GeneratedPdf, MinutesBook, BookArchive); pk: the row.
render_requested = Signal()

# The minutes state the cell's adopted self-assessment: {"total", "level", "reason"} or None.
# sender: Meeting; meeting: the meeting. Answered by evaluations.receivers.
minutes_score = Signal()
