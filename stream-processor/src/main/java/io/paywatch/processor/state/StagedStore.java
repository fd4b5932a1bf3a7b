package io.paywatch.processor.state;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.TreeMap;

/**
 * A key-value store whose writes are held by its {@link WriteStage} while a unit of work is open (see there). Reads
 * and scans merge the staged writes over the real store, in the real store's key order (UTF-8 bytes, which is
 * Unicode code point order), so the code applying an event sees its own writes.
 */
final class StagedStore<V> implements KeyValueStore<String, V> {

    /** UTF-8 byte order of strings = code point order (String#compareTo orders UTF-16 units, which differs). */
    static final Comparator<String> CODE_POINT_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    };

    private final WriteStage stage;
    private final KeyValueStore<String, V> inner;
    private final Serde<V> serde;
    /** Staged writes: the serialized value, or null for a delete. */
    private final TreeMap<String, byte[]> staged = new TreeMap<>(CODE_POINT_ORDER);

    StagedStore(WriteStage stage, KeyValueStore<String, V> inner, Serde<V> serde) {
        this.stage = stage;
        this.inner = inner;
        this.serde = serde;
    }

    void flushStaged() {
        for (Map.Entry<String, byte[]> e : staged.entrySet()) {
            if (e.getValue() == null) {
                inner.delete(e.getKey());
            } else {
                inner.put(e.getKey(), decode(e.getValue()));
            }
        }
        staged.clear();
    }

    void dropStaged() {
        staged.clear();
    }

    int stagedSize() {
        return staged.size();
    }

    private byte[] encode(V value) {
        return serde.serializer().serialize(inner.name(), value);
    }

    private V decode(byte[] bytes) {
        return serde.deserializer().deserialize(inner.name(), bytes);
    }

    @Override
    public void put(String key, V value) {
        if (!stage.isOpen()) {
            inner.put(key, value);
            return;
        }
        staged.put(key, value == null ? null : encode(value));
    }

    @Override
    public V putIfAbsent(String key, V value) {
        V current = get(key);
        if (current == null) {
            put(key, value);
        }
        return current;
    }

    @Override
    public void putAll(List<KeyValue<String, V>> entries) {
        for (KeyValue<String, V> e : entries) {
            put(e.key, e.value);
        }
    }

    @Override
    public V delete(String key) {
        if (!stage.isOpen()) {
            return inner.delete(key);
        }
        V current = get(key);
        staged.put(key, null);
        return current;
    }

    @Override
    public V get(String key) {
        if (staged.containsKey(key)) {
            byte[] bytes = staged.get(key);
            return bytes == null ? null : decode(bytes);
        }
        return inner.get(key);
    }

    @Override
    public KeyValueIterator<String, V> range(String from, String to) {
        if (staged.isEmpty()) {
            return inner.range(from, to);
        }
        NavigableMap<String, byte[]> view = staged;
        if (from != null && to != null && CODE_POINT_ORDER.compare(from, to) > 0) {
            view = new TreeMap<>(CODE_POINT_ORDER);
        } else {
            if (from != null) {
                view = view.tailMap(from, true);
            }
            if (to != null) {
                view = view.headMap(to, true);
            }
        }
        return new Merged(inner.range(from, to), view.entrySet().iterator());
    }

    @Override
    public KeyValueIterator<String, V> all() {
        return staged.isEmpty() ? inner.all() : new Merged(inner.all(), staged.entrySet().iterator());
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<String, V> prefixScan(P prefix, PS prefixKeySerializer) {
        if (staged.isEmpty()) {
            return inner.prefixScan(prefix, prefixKeySerializer);
        }
        String p = (String) prefix;
        Iterator<Map.Entry<String, byte[]>> view = staged.tailMap(p, true).entrySet().stream()
                .takeWhile(e -> e.getKey().startsWith(p)).iterator();
        return new Merged(inner.prefixScan(prefix, prefixKeySerializer), view);
    }

    @Override
    public KeyValueIterator<String, V> reverseRange(String from, String to) {
        requireNothingStaged();
        return inner.reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<String, V> reverseAll() {
        requireNothingStaged();
        return inner.reverseAll();
    }

    private void requireNothingStaged() {
        if (!staged.isEmpty()) {
            throw new UnsupportedOperationException("reverse scans do not see staged writes");
        }
    }

    @Override
    public long approximateNumEntries() {
        return inner.approximateNumEntries();
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        throw new UnsupportedOperationException("a staged view is not registered as a store");
    }

    @Override
    public void flush() {
        inner.flush();
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    /** The real store's entries with the staged writes laid over them (a staged delete hides an entry). */
    private final class Merged implements KeyValueIterator<String, V> {
        private final KeyValueIterator<String, V> base;
        private final Iterator<Map.Entry<String, byte[]>> over;
        private KeyValue<String, V> nextBase;
        private Map.Entry<String, byte[]> nextOver;
        private KeyValue<String, V> next;

        Merged(KeyValueIterator<String, V> base, Iterator<Map.Entry<String, byte[]>> over) {
            this.base = base;
            this.over = over;
            nextBase = base.hasNext() ? base.next() : null;
            nextOver = over.hasNext() ? over.next() : null;
            advance();
        }

        private void advance() {
            next = null;
            while (next == null && (nextBase != null || nextOver != null)) {
                int cmp = nextBase == null ? 1 : nextOver == null ? -1
                        : CODE_POINT_ORDER.compare(nextBase.key, nextOver.getKey());
                if (cmp < 0) {
                    next = nextBase;
                    nextBase = base.hasNext() ? base.next() : null;
                } else {
                    if (cmp == 0) {
                        nextBase = base.hasNext() ? base.next() : null; // the staged write replaces it
                    }
                    if (nextOver.getValue() != null) {
                        next = KeyValue.pair(nextOver.getKey(), decode(nextOver.getValue()));
                    }
                    nextOver = over.hasNext() ? over.next() : null;
                }
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public KeyValue<String, V> next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            KeyValue<String, V> result = next;
            advance();
            return result;
        }

        @Override
        public String peekNextKey() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            return next.key;
        }

        @Override
        public void close() {
            base.close();
        }
    }
}
