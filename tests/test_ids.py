"""Record ids: random v4 for records made one at a time, time-ordered v7 for bulk imports."""

import os
import uuid

from reformctl.model.ids import new_id, ordered_id


def test_ordered_ids_are_uuid7_unique_and_time_ordered():
    ids = [ordered_id() for _ in range(20_000)]  # several draws of the random pool
    assert len(set(ids)) == len(ids)
    for text in ids[::37]:
        parsed = uuid.UUID(text)
        assert str(parsed) == text and parsed.version == 7 and parsed.variant == uuid.RFC_4122
    stamps = [i.replace("-", "")[:12] for i in ids]
    assert stamps == sorted(stamps)  # the millisecond prefix never goes backwards
    assert uuid.UUID(new_id()).version == 4


def test_a_forked_child_draws_its_own_random_part():
    ordered_id()  # the parent has a pool of random digits now
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report its next id and leave at once
        os.write(write, ordered_id().encode())
        os._exit(0)
    os.close(write)
    child = os.read(read, 64).decode()
    os.close(read)
    os.waitpid(pid, 0)
    assert child[-12:] != ordered_id()[-12:]
