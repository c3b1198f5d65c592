"""What every versioned, moderated resource shares (places, good practices, and the next one).

A resource declares itself once (`kernel.Editable`: model, schemas, workflow, hooks); the use cases
(`kernel`), preconditions (`preconditions`), history (`history`), routes (`routes`) and the moderation
queue (`queue`) are written here once. Imports: core and shared only, never a domain.
"""
