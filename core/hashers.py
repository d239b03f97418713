"""The password hasher: Argon2id at OWASP's minimum parameters (Password Storage Cheat Sheet: 19 MiB of
memory, two passes, one lane).

Django's own Argon2PasswordHasher asks for 100 MiB and eight lanes, several times what a login on a 2-core
server can afford when a committee's members log in within the same minute; OWASP's minimum keeps a
stolen hash as costly to guess per try as bcrypt at cost 10 while a login costs tens of milliseconds of
CPU instead of PBKDF2's 700. Hashes keep Django's "argon2" format, so any Argon2 hash verifies and a hash
made with other parameters (or by PBKDF2, still listed) is rewritten at its owner's next login."""

from django.contrib.auth.hashers import Argon2PasswordHasher

# OWASP's first configuration: m=19 MiB (19,456 KiB), t=2, p=1.
OWASP_MEMORY_KIB = 19_456
OWASP_PASSES = 2


class Argon2idPasswordHasher(Argon2PasswordHasher):
    time_cost = OWASP_PASSES
    memory_cost = OWASP_MEMORY_KIB
    parallelism = 1
