#!/bin/sh
# An image entrypoint must end by running the command it was given: the platform's worker.
export ENTRYPOINT_RAN=yes
exec "$@"
