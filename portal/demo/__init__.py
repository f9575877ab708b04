"""The demo city and its real sample messages (from ../shared/data/wenzheng-2020)."""
