pytest_plugins = ["nlc.testing.pytest_plugin"]
