"""Record ids: random v4 for records made one at a time, time-ordered v7 for bulk imports."""

import os
import time
import uuid

from reformctl.model.ids import is_id, new_id, ordered_id


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


def test_what_counts_as_an_id():
    assert is_id(new_id()) and is_id(ordered_id())
    assert is_id("0123456789abcdef0123456789abcdef")  # as migrations m002 and m003 wrote them
    for not_an_id in [
        None,
        7,
        "",
        new_id().upper(),  # ids are written in lower case only
        new_id()[:-1],
        new_id() + "0",
        " " + new_id(),
        new_id().replace("-", "_"),
        "0123456789abcdef0123456789abcde",
        "0123456789abcdef0123456789abcdefa",
        "g123456789abcdef0123456789abcdef",
    ]:
        assert not is_id(not_an_id), not_an_id


def test_every_ordered_id_is_a_uuid7_stamped_with_the_current_millisecond():
    before = time.time_ns() // 1_000_000
    ids = [ordered_id() for _ in range(4_200)]  # past one draw of the random pool
    after = time.time_ns() // 1_000_000
    for text in ids:
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert (parsed.version, parsed.variant) == (7, uuid.RFC_4122)
        assert before <= parsed.int >> 80 <= after
    # the 74 random bits differ from id to id, in every part of them
    assert len({i[15:18] for i in ids}) > 1_000
    assert len({i[20:23] for i in ids}) > 1_000
    assert len({i[24:] for i in ids}) == len(ids)
    assert len({i[19] for i in ids}) == 4  # the variant digit: 8, 9, a or b
    # the variant digit's two free bits are random too, not a copy of the digit after it
    assert len({i[19:21] for i in ids}) == 64


def test_forgetting_the_pool_makes_the_next_id_draw_afresh():
    from reformctl.model import ids

    ordered_id()
    pool, taken = ids._random, ids._taken
    ids._forget_random()  # what a forked child does first
    fresh = ordered_id()
    assert uuid.UUID(fresh).version == 7
    assert fresh[-12:] != pool[taken + 8 : taken + 20]  # not the parent's next digits
