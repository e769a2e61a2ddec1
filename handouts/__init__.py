"""handouts: accessible, print-ready patient handouts from one translated catalog.

The pipeline runs one way: locale catalog -> Jinja template -> semantic document ->
ReportLab layout -> PDF bytes -> atomic write into ``output/``.
"""

__version__ = "0.1.0"

from handouts import lazy_patterns as _lazy_patterns

_lazy_patterns.install()
