"""The pinned Maven Central artifacts of the generated POM (scripts/setup-kotlin.sh fetches them)."""

# Versions served by Maven Central and tested together here (JDK 17, Maven 3.8).
VERSIONS = {
    "kotlin": "2.2.21",
    "junit": "5.14.1",
    "resources": "3.3.1",
    "compiler": "3.13.0",
    "surefire": "3.5.4",
    "jar": "3.4.2",
    "install": "3.1.4",
    "deploy": "3.1.4",
    "clean": "3.4.1",
    "source": "3.3.1",
}
