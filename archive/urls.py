from django.urls import path

from . import views

app_name = "archive"

# A cell's minutes books and a committee's archives of them are asked for, watched and downloaded by the same
# views: book_request, book_status, book_download and archive_request, archive_status, archive_download.
SHELVES = (("books", views.BOOKS), ("archives", views.ARCHIVES))
ACTIONS = (("request", views.prepare), ("status", views.status), ("download", views.download))

urlpatterns = [
    path("search/", views.search_view, name="search"),
    path("orgs/<int:pk>/books/", views.cell_books, name="cell_books"),
    path("orgs/<int:pk>/archives/", views.committee_books, name="committee_books"),
    *(
        path(
            f"orgs/<int:pk>/{folder}/<int:year>/{action}/",
            view,
            {"shelf": shelf},
            name=f"{shelf.what}_{action}",
        )
        for folder, shelf in SHELVES
        for action, view in ACTIONS
    ),
]
