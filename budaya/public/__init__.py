"""The public employer-branding survey: anonymous answers through a link per period (METHOD.md
§3), with abuse resistance that needs no outside service."""
