from backend.migrations import domain_app

APP_CONFIG = domain_app("setup", "registry")
