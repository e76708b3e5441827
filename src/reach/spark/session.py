"""The Spark session Reach's queries run on: local mode by default, a cluster's master from
REACH_SPARK_MASTER (spark://host:7077, yarn, k8s://…), quiet on the terminal."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

MASTER_ENV = "REACH_SPARK_MASTER"
LOCAL_MASTER = "local[2]"

# Spark's own log lines (start-up notes, warnings) stay off the terminal: errors only, as text.
# Spark's loggers are named too, or it announces the level it sets them to.
LOG4J2 = """rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %p %c{1}: %m%n
logger.spark.name = org.apache.spark
logger.spark.level = error
"""


class SparkUnavailable(RuntimeError):
    """pyspark or Java is missing: the exception's text names which ('pyspark', 'java')."""


def missing() -> str | None:
    """What Spark needs and this machine lacks ('pyspark', 'java'), or None."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark"
    java_home = os.environ.get("JAVA_HOME")
    if not shutil.which("java") and not (java_home and Path(java_home, "bin", "java").exists()):
        return "java"
    return None


@contextmanager
def quiet() -> Iterator[None]:
    """Without pyspark's warning that it is not tested with pandas 3: Reach hands it no
    pandas frame (rows come back as Arrow)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*pandas", category=FutureWarning)
        yield


def _log_config() -> str:
    """The log4j2 settings file (written once to the temp folder), as a file URL."""
    path = Path(tempfile.gettempdir()) / "reach-spark-log4j2.properties"
    if not path.exists() or path.read_text(encoding="utf-8") != LOG4J2:
        path.write_text(LOG4J2, encoding="utf-8")
    return path.as_uri()


def master() -> str:
    """The Spark master: $REACH_SPARK_MASTER, else local mode on two cores."""
    return os.environ.get(MASTER_ENV) or LOCAL_MASTER


def session(spark_master: str | None = None, conf: dict[str, str] | None = None) -> SparkSession:
    """A Spark session for Reach's queries (getOrCreate: an active one is reused)."""
    lacking = missing()
    if lacking:
        raise SparkUnavailable(lacking)
    with quiet():
        from pyspark.sql import SparkSession

    url = spark_master or master()
    builder = SparkSession.builder.master(url).appName("reach")
    settings = {
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        # Dates and periods are computed in UTC on both engines, whatever the machine's zone.
        "spark.sql.session.timeZone": "UTC",
        # Partition folders (program=…) are text: a program called 2024 stays a string.
        "spark.sql.sources.partitionColumnTypeInference.enabled": "false",
        "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile={_log_config()}",
    }
    if url.startswith("local"):
        # One machine: no network interface is opened, and a shuffle partition per core
        # (Spark's 200 are for clusters).
        settings |= {"spark.driver.bindAddress": "127.0.0.1", "spark.driver.host": "127.0.0.1"}
        cores = re.fullmatch(r"local\[(\d+)\]", url)
        settings["spark.sql.shuffle.partitions"] = cores.group(1) if cores else str(os.cpu_count())
    for key, value in (settings | (conf or {})).items():
        builder = builder.config(key, value)
    with quiet():
        spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark
