"""readinglist: a static site generator for curated reading lists of research papers."""
