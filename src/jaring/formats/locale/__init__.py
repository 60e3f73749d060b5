"""Django's format modules for Jaring's languages (settings ``FORMAT_MODULE_PATH``): what a
form's date field reads, dd/mm/yyyy first, in both languages (Django's English would read
12/01/2025 as the first of December). Everything else falls back to Django's locales."""
