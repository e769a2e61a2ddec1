"""PDF structure: tagging recorded while drawing, the structure tree written afterwards."""
