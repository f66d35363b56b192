"""The review layer (no Qt): users and roles, the reviewer's decisions as events, batch states, totals.

    from desktop.review.users import Users, User
    from desktop.review.session import ReviewSession, Place, Reason
    from desktop.review.importer import import_files

Nothing here imports Qt; desktop/ui calls these services (design.md: ui and cli are thin).
"""
