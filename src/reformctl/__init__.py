"""reformctl: the record of an organizational assessment, from first finding to final report."""

__version__ = "0.1.0"
