"""Claims: a member organisation asks to take over a place no organisation owns; admins decide."""
