import os

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="activities",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=table_finder(modules=["backend.activities.tables"], exclude_imported=True),
    migration_dependencies=[
        "piccolo.apps.user.piccolo_app",
        "backend.registry.piccolo_app",
        "backend.scoring.piccolo_app",
    ],
    commands=[],
)
