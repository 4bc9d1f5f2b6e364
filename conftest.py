# Root conftest: load the course's pytest plugin (target selection, exercise fixtures,
# per-exercise timeouts, friendly "not done yet" messages). See course/grading/pytest_plugin.py.
pytest_plugins = ["course.grading.pytest_plugin"]
