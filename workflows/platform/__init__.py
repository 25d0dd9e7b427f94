"""The platform around the topics: consultation rooms, their coverage, and consultation activities."""
