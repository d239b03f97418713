"""Scoring rubrics, meeting scores and cell indicators (DESIGN.md section 4). Built in a later issue."""
