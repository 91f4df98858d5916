#!/bin/sh
# The console's web container: apply migrations, create the first admin (in the admin group)
# from DJANGO_SUPERUSER_USERNAME / _PASSWORD / _EMAIL when that user does not exist yet, then
# serve with gunicorn.
# With several web replicas, run migrations once beforehand instead:
#   docker compose run --rm web python manage.py migrate --noinput
set -eu

python manage.py migrate --noinput

if [ -n "${DJANGO_SUPERUSER_USERNAME:-}" ]; then
  python manage.py shell -c "
import os
from django.contrib.auth.models import Group, User
name = os.environ['DJANGO_SUPERUSER_USERNAME']
password = os.environ.get('DJANGO_SUPERUSER_PASSWORD', '')
if User.objects.filter(username=name).exists():
    pass
elif not password:
    print(f'no admin created: set DJANGO_SUPERUSER_PASSWORD to create {name}')
else:
    email = os.environ.get('DJANGO_SUPERUSER_EMAIL', '')
    user = User.objects.create_superuser(name, email, password)
    user.groups.add(*Group.objects.filter(name='admin'))
    print(f'admin user {name} created')
"
fi

exec gunicorn console.wsgi:application \
  --bind 0.0.0.0:8000 \
  --workers "${WEB_CONCURRENCY:-3}" \
  --timeout "${WEB_TIMEOUT:-60}" \
  --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}"
