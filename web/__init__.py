"""Web plumbing between Flask/Dash and the services: the request context every page and callback uses."""
