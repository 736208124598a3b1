pytest_plugins = ["tests.support.browser", "tests.support.servers"]
