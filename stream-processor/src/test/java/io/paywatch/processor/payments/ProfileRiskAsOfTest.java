package io.paywatch.processor.payments;

import io.paywatch.contract.ClientProfile;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.InvoiceRisk;
import io.paywatch.contract.OpenInvoice;
import io.paywatch.processor.Events;
import io.paywatch.processor.ProcessorStores;
import io.paywatch.processor.TopologyFixture;
import io.paywatch.processor.query.ProfileQueries;
import io.paywatch.processor.query.QueryController;
import io.paywatch.processor.query.ReceivablesAsOf;
import io.paywatch.schemas.AvroSerde;
import io.paywatch.schemas.ClientKey;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.paywatch.processor.Events.issued;
import static io.paywatch.processor.Events.paid;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The late probability a profile (and the query API) shows for an open invoice is a function of the client's state
 * and an explicit as-of date only: the risk assessed at issue, or 1 once past due as of that date. Before, the profile
 * re-assessed the invoice whenever it was built, with the tenant prior of that moment, so the same client state read
 * differently depending on when (and after which other clients' settlements) the wall-clock emission ran. Through
 * {@code PaywatchTopology.buildTopology} with pinned time.
 */
class ProfileRiskAsOfTest {

    static {
        AvroSerde.of(FreelancerSettings.class); // registers the contract package with Avro's class-trust check
    }

    private static final String T = "risk-asof";
    private static final Instant DAY0 = Instant.parse("2026-01-01T10:00:00Z");
    private static final FreelancerSettings SETTINGS = Events.settings(T).build();

    private static Instant day(int n) {
        return DAY0.plus(Duration.ofDays(n));
    }

    private static double shown(ClientProfile profile, String invoiceId) {
        return profile.getReceivables().getInvoices().stream().filter(i -> i.getInvoiceId().equals(invoiceId))
                .mapToDouble(OpenInvoice::getLateProbability).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static Object shownByApi(TopologyFixture f, String client, String invoiceId, Instant now) {
        KeyValueStore<String, OpenInvoiceState> store = f.driver.getKeyValueStore(ProcessorStores.OPEN_INVOICES);
        List<ReceivablesAsOf.OpenItem> open;
        try (KeyValueIterator<String, OpenInvoiceState> it = store.prefixScan(ClientKey.of(T, client) + '\u001F',
                new StringSerializer())) {
            open = ProfileQueries.openItems(it).getOrDefault(client, List.of());
        }
        Map<String, Object> answer = QueryController.asOfNow(f.storedProfile(T, client), open, SETTINGS, now);
        return ((List<Map<String, Object>>) ((Map<String, Object>) answer.get("receivables")).get("invoices")).stream()
                .filter(i -> invoiceId.equals(i.get("invoiceId"))).findFirst().orElseThrow().get("lateProbability");
    }

    @Test
    void theSameClientStateShowsTheSameLateProbabilityWhateverOtherClientsSettledBeforeTheProfileWasBuilt() {
        try (TopologyFixture f = TopologyFixture.replay()) {
            f.pipeSettings(SETTINGS);
            // Client a: three settled invoices (one late), then x, issued on day 100, due on day 160.
            f.pipe(T, "a", issued(T, "a", "a-1", day(0), 30, 100_00));
            f.pipe(T, "a", paid(T, "a", "a-1", day(20), 100_00));
            f.pipe(T, "a", issued(T, "a", "a-2", day(30), 30, 100_00));
            f.pipe(T, "a", paid(T, "a", "a-2", day(75), 100_00));
            f.pipe(T, "a", issued(T, "a", "a-3", day(60), 30, 100_00));
            f.pipe(T, "a", paid(T, "a", "a-3", day(85), 100_00));
            f.pipe(T, "a", issued(T, "a", "x", day(100), 60, 100_00));
            f.passLateness(day(100));
            InvoiceRisk atIssue = f.risks.readValuesToList().stream().filter(r -> r.getInvoiceId().equals("x"))
                    .reduce((first, second) -> second).orElseThrow();
            double before = shown(f.storedProfile(T, "a"), "x");
            assertThat(before).isEqualTo(atIssue.getLateProbability());

            // Client b of the same tenant settles eight invoices, each 14 days late; the watermark passes them, so the
            // tenant's prior learns a much higher late rate. Nothing of client a changes.
            for (int i = 0; i < 8; i++) {
                f.pipe(T, "b", issued(T, "b", "b-" + i, day(101 + i), 1, 100_00));
                f.pipe(T, "b", paid(T, "b", "b-" + i, day(116 + i), 100_00));
            }
            f.passLateness(day(125));
            // Client a issues another invoice: its profile is built again, still before x is due (day 160).
            f.pipe(T, "a", issued(T, "a", "y", day(124), 60, 100_00));
            ClientProfile after = f.storedProfile(T, "a");
            assertThat(after.getAsOf()).isBefore(day(160));
            assertThat(shown(after, "x")).isEqualTo(before);

            // The query API shows the same figure while x is not due, and 1 once it is past due on the query's date.
            assertThat(shownByApi(f, "a", "x", day(130))).isEqualTo(atIssue.getLateProbability());
            assertThat(shownByApi(f, "a", "x", day(170))).isEqualTo(1.0);
        }
    }
}
