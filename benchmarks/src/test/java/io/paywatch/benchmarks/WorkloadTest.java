package io.paywatch.benchmarks;

import io.paywatch.schemas.Topics;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The generated input has the promised size and mix, and is the same for the same seed. */
class WorkloadTest {

    @Test
    void exactSizeWithDuplicatesAndEveryClientKeyed() {
        Workload w = Workload.generate("t", 5_000, 300, 7, 1L);

        assertThat(w.events()).hasSize(5_000);
        assertThat(w.tenants()).hasSize(7);
        assertThat(w.clientKeys()).hasSize(300).doesNotHaveDuplicates();
        Set<String> keys = new HashSet<>();
        int invoiceTopic = 0;
        for (Workload.Event e : w.events()) {
            keys.add(e.key());
            invoiceTopic += e.topic().equals(Topics.INVOICE_EVENTS.name()) ? 1 : 0;
        }
        assertThat(keys).isEqualTo(new HashSet<>(w.clientKeys()));
        assertThat(invoiceTopic).isBetween(2_500, 4_900); // both topics get traffic
        Workload.Mix mix = w.mix();
        assertThat(mix.duplicates()).isEqualTo(100);
        assertThat(mix.invoices() + mix.payments() + mix.voids() + mix.messages() + mix.duplicates())
                .isEqualTo(5_000);
        assertThat(mix.outOfOrder()).isPositive();
        // Duplicates are byte-identical redeliveries of an earlier record.
        Set<List<Byte>> distinct = new HashSet<>();
        w.events().forEach(e -> distinct.add(box(e.value())));
        assertThat(distinct).hasSize(5_000 - 100);
    }

    @Test
    void sameSeedSameInput() {
        List<Workload.Event> a = Workload.generate("t", 2_000, 100, 3, 9L).events();
        List<Workload.Event> b = Workload.generate("t", 2_000, 100, 3, 9L).events();
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).value()).isEqualTo(b.get(i).value());
        }
    }

    @Test
    void rejectsImpossibleSizes() {
        assertThatThrownBy(() -> Workload.generate("t", 10, 100, 3, 1L))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<Byte> box(byte[] bytes) {
        Byte[] boxed = new Byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            boxed[i] = bytes[i];
        }
        return List.of(boxed);
    }
}
