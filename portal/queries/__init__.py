"""Read models: what the pages, reports and exports show. Nothing here writes or commits;
changes go through portal/services/."""
