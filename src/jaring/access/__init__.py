"""Who may see and do what: organization kinds and roles (``rules``), the jurisdiction
filter every selector reads through (``scoping``) and what a role may do
(``permissions``). Foundation: imports only ``jaring.codes``, ``jaring.errors`` and Django."""
