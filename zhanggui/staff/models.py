# Roles are Django groups (see roles.py); staff has no tables of its own yet. This module
# exists so the app receives post_migrate, which keeps the role groups in step.
