#!/bin/sh
# The container's entrypoint, one role per container (README, "Running it for real"):
#   web      the web server: gunicorn with deploy/gunicorn.conf.py (GUNICORN_BIND, WEB_CONCURRENCY...)
#   worker   the background worker: flask worker (the committee documents, on the JOBS_REDIS_URL queue)
#   migrate  flask db upgrade (as MIGRATION_DATABASE_URL's owner, if set), then, if GRANT_APP_ROLE names the
#            app's PostgreSQL role, flask db grant-app-role for it; then exit. Run it before web and worker start
#            and after every upgrade.
#   flask …  any other flask command, for example: flask users create --email … --role administrator
set -eu
cd "$(dirname "$0")/.."
export FLASK_APP="${FLASK_APP:-wsgi.py}"

role="${1:-web}"
[ "$#" -gt 0 ] && shift
case "$role" in
    web) exec gunicorn -c deploy/gunicorn.conf.py wsgi:app "$@" ;;
    worker) exec flask worker "$@" ;;
    migrate)
        flask db upgrade "$@"
        if [ -n "${GRANT_APP_ROLE:-}" ]; then exec flask db grant-app-role "$GRANT_APP_ROLE"; fi
        ;;
    flask) exec flask "$@" ;;
    *)
        echo "Unknown role '$role': choose web, worker, migrate, or flask followed by a command." >&2
        exit 64
        ;;
esac
