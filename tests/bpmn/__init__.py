"""Diagram path tests: the engine driven through bpmn/ without the web app."""
