"""A database of its own for each benchmark: <DATABASE_URL's name><suffix>, dropped and recreated."""

import os

import dj_database_url
import psycopg


def fresh_database(suffix):
    """Recreate the benchmark's database and point DATABASE_URL at it (before Django starts)."""
    url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/guichet")
    config = dj_database_url.parse(url)
    name = f"{config['NAME']}{suffix}"
    params = {
        "dbname": "postgres",
        "user": config["USER"],
        "password": config["PASSWORD"] or None,
        "host": config["HOST"] or config.get("OPTIONS", {}).get("host"),
        "port": config["PORT"] or None,
    }
    with psycopg.connect(**{key: value for key, value in params.items() if value}, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    base, _sep, query = url.partition("?")
    os.environ["DATABASE_URL"] = base.rsplit("/", 1)[0] + f"/{name}" + (f"?{query}" if query else "")
    return name


def existing_database(suffix):
    """Point DATABASE_URL at the benchmark's database a previous run kept (before Django starts)."""
    url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/guichet")
    name = f"{dj_database_url.parse(url)['NAME']}{suffix}"
    base, _sep, query = url.partition("?")
    os.environ["DATABASE_URL"] = base.rsplit("/", 1)[0] + f"/{name}" + (f"?{query}" if query else "")
    return name


def admin_connection():
    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    params = {
        "dbname": "postgres",
        "user": config["USER"],
        "password": config["PASSWORD"] or None,
        "host": config["HOST"] or config.get("OPTIONS", {}).get("host"),
        "port": config["PORT"] or None,
    }
    return psycopg.connect(**{key: value for key, value in params.items() if value}, autocommit=True)


def drop_database(name):
    """Drop a benchmark's database (a thousand schemas weigh gigabytes on a shared server)."""
    with admin_connection() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
