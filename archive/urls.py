from django.urls import path

from . import views

app_name = "archive"

urlpatterns = [
    path("search/", views.search_view, name="search"),
    path("orgs/<int:pk>/books/", views.cell_books, name="cell_books"),
    path("orgs/<int:pk>/books/<int:year>/request/", views.book_request, name="book_request"),
    path("orgs/<int:pk>/books/<int:year>/status/", views.book_status, name="book_status"),
    path("orgs/<int:pk>/books/<int:year>/download/", views.book_download, name="book_download"),
    path("orgs/<int:pk>/archives/", views.committee_books, name="committee_books"),
    path("orgs/<int:pk>/archives/<int:year>/request/", views.archive_request, name="archive_request"),
    path("orgs/<int:pk>/archives/<int:year>/status/", views.archive_status, name="archive_status"),
    path("orgs/<int:pk>/archives/<int:year>/download/", views.archive_download, name="archive_download"),
]
