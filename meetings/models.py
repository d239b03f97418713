"""Meetings: preparation, the live record and the minutes (DESIGN.md section 3). Built in the next issues."""
