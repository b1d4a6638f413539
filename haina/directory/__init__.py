"""The service directory: find hospitals, schools, offices … by kind, district, language spoken,
opening time and distance (query), resolve time words (when), render results (render).

`search(session, DirectoryQuery(...)) -> Page`; `topic_for(entities)` for `haina classify`.
"""

from haina.directory.topics import CATEGORY_TOPICS, topic_for

__all__ = ["CATEGORY_TOPICS", "topic_for", "search", "DirectoryQuery", "Page", "Result"]


def __getattr__(name: str):  # lazy: the query module imports SQLAlchemy models
    if name in ("search", "DirectoryQuery", "Page", "Result", "QueryError"):
        from haina.directory import query

        return getattr(query, name)
    raise AttributeError(name)
