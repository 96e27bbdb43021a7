from rest_framework.pagination import PageNumberPagination


class PagePagination(PageNumberPagination):
    """``?page=2&pageSize=50`` -> ``{"count", "next", "previous", "results"}``."""

    page_size_query_param = "pageSize"
    max_page_size = 200
