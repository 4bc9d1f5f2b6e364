# Root conftest: load the course's pytest plugin (target selection, exercise fixtures,
# per-exercise timeouts, friendly "not done yet" messages). See course/pytest_plugin.py.
pytest_plugins = ["course.pytest_plugin"]
