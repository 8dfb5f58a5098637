import os

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="scoring",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=table_finder(modules=["backend.scoring.tables"], exclude_imported=True),
    migration_dependencies=["piccolo.apps.user.piccolo_app", "backend.registry.piccolo_app"],
    commands=[],
)
