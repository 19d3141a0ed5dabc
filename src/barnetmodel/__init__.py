"""barnetmodel: is outsourcing this service cheaper than keeping it in-house?"""

__version__ = "0.1.0"
