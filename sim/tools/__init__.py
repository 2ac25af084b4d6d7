"""Trainer tools: validate, test, graph, analyze and friends. Never import pygame."""
