package ownership;

import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

/**
 * The walk of cypher/engine/ancestry_on.cypher (the party and every party above it through OWNS and CONTROLS,
 * up to the settled parties, each with the interests held in it valid on a date) in one pass over the
 * relationships. The statement's breadth-first expand and its per-party subquery read every relationship twice,
 * and its slotted runtime reads each property by a scan of the property chain; this reads each once. The
 * result is the statement's: the same rows (in another order), the same stop test, the same count towards
 * the limit; tests/test_walk_procedure.py compares the two on random graphs.
 */
public class Ancestry {
    private static final Label PARTY = Label.label("Party");
    private static final RelationshipType OWNS = RelationshipType.withName("OWNS");
    private static final RelationshipType CONTROLS = RelationshipType.withName("CONTROLS");
    // the interest fields the fixed point reads, in the statement's order; then the validity dates
    private static final String[] INTEREST_KEYS = {"measure", "kind", "share_min", "share_max",
        "share_min_exclusive", "share_max_exclusive", "direct", "start_date", "end_date"};
    private static final int INTEREST_FIELDS = 7;
    private static final String[] PARTY_KEYS = {"id", "kind", "entity_type", "jurisdiction", "headquarters",
        "state_of", "nationalities"};

    public static class Walk {
        public boolean truncated;
        public List<Object> parties;

        public Walk(boolean truncated, List<Object> parties) {
            this.truncated = truncated;
            this.parties = parties;
        }
    }

    /** A node the walk met: its fields (`PARTY_KEYS`), id, whether the walk goes through it, whether it is a
     * party. The fields are read once, when the node is met (the stop test needs the id): reading the id then
     * and the fields again for the parties entered was 2-5% slower (README, "Benchmarks"). */
    private record Met(Node node, Map<String, Object> fields, String id, boolean entered, boolean party) {}

    private static Met meet(Node node, boolean mayEnter, Predicate<String> known) {
        Map<String, Object> fields = node.getProperties(PARTY_KEYS);
        String id = fields.get("id") instanceof String text ? text : null;
        return new Met(node, fields, id, mayEnter && !stopsAt(id, known), node.hasLabel(PARTY));
    }

    /** The settled ids a process keeps here, by its memo (`KeptStops` in app/engine/settled.py), so that a
     * walk sends only the ids settled since the last one: receiving every id with every walk (about 300 kB
     * on 2019-06-30 in the bench) was most of what a small walk allocated (README, "Benchmarks"). At most
     * KEPT_MEMOS memos, the least recently used going first, each of at most KEPT_IDS ids (a process keeps
     * at most 100,000 settled parties a memo: about 70 MB here at worst); a process that finds its memo
     * gone (fewer ids than it sent) sends them all again, and past KEPT_IDS sends them with each walk. */
    private static final int KEPT_MEMOS = 8;
    private static final int KEPT_IDS = 200_000;
    private static final Map<String, Set<String>> KEPT = Collections.synchronizedMap(
        new LinkedHashMap<>(KEPT_MEMOS * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
                return size() > KEPT_MEMOS;
            }
        });

    @Procedure(name = "ownership.ancestry", mode = Mode.READ)
    @Description("ownership.ancestry(party, asOf, known, stopKeyLength, limit): the party and its ancestors "
        + "through OWNS and CONTROLS up to the known (settled) parties, each as [id, kind, entity_type, "
        + "jurisdiction, headquarters, state_of, nationalities, interests valid on asOf], and whether the "
        + "walk stopped at `limit` ancestors.")
    public Stream<Walk> ancestry(@Name("party") Node party, @Name("asOf") LocalDate asOf,
                                 @Name("known") Map<String, Object> known,
                                 @Name("stopKeyLength") long stopKeyLength, @Name("limit") long limit) {
        int keyLength = (int) stopKeyLength;
        return Stream.of(walk(party, asOf, id -> inGroups(id, known, keyLength), limit));
    }

    @Procedure(name = "ownership.ancestry_kept", mode = Mode.READ)
    @Description("ownership.ancestry_kept(party, asOf, memo, added, expected, limit): ownership.ancestry with "
        + "the settled ids kept here under `memo`: `added` (ids separated by newlines) joins them first; when "
        + "fewer than `expected` are kept (the memo was let go), no walk and `parties` null.")
    public Stream<Walk> ancestryKept(@Name("party") Node party, @Name("asOf") LocalDate asOf,
                                     @Name("memo") String memo, @Name("added") String added,
                                     @Name("expected") long expected, @Name("limit") long limit) {
        Set<String> ids = KEPT.computeIfAbsent(memo, key -> ConcurrentHashMap.newKeySet());
        for (String id : added.split("\n")) {
            if (!id.isEmpty()) {
                ids.add(id);
            }
        }
        if (ids.size() > KEPT_IDS) {
            KEPT.remove(memo);
            return Stream.of(new Walk(false, null));
        }
        if (ids.size() < expected) {
            return Stream.of(new Walk(false, null));
        }
        return Stream.of(walk(party, asOf, ids::contains, limit));
    }

    /** The walk up to the parties whose id `known` names (asked only of ids without a newline; `stopsAt`). */
    private static Walk walk(Node party, LocalDate asOf, Predicate<String> known, long limit) {
        Map<Node, Met> met = new HashMap<>();
        ArrayDeque<Met> queue = new ArrayDeque<>();
        Met start = meet(party, true, known);
        met.put(party, start);
        queue.add(start);
        List<Object> rows = new ArrayList<>();
        List<Object> startRow = null;
        long ancestors = 0;
        boolean truncated = false;
        boolean startReached = false;
        while (!queue.isEmpty()) {
            Met subject = queue.poll();
            List<Object> interests = new ArrayList<>();
            for (Relationship r : subject.node().getRelationships(Direction.INCOMING, OWNS, CONTROLS)) {
                Node node = r.getStartNode();
                Met holder = met.get(node);
                if (holder == start && start.entered() && !startReached && !truncated) {
                    // the statement counts the asked party among its ancestors when a cycle leads back to it
                    startReached = true;
                    if (++ancestors >= limit) {
                        truncated = true;
                    }
                } else if (holder == null) {
                    // a settled party stops the walk; when the asked party is settled, so are all its holders
                    holder = meet(node, start.entered(), known);
                    met.put(node, holder);
                    if (holder.entered() && !truncated) {
                        queue.add(holder);
                        if (holder.party() && ++ancestors >= limit) {
                            truncated = true;
                        }
                    }
                }
                if (holder.party()) {
                    Map<String, Object> fields = r.getProperties(INTEREST_KEYS);
                    if (valid(fields, asOf)) {
                        List<Object> interest = new ArrayList<>(INTEREST_FIELDS + 3);
                        interest.add(holder.id());
                        interest.add(r.getType().name());
                        for (int k = 0; k < INTEREST_FIELDS; k++) {
                            interest.add(fields.get(INTEREST_KEYS[k]));
                        }
                        interest.add(r.getElementId());
                        interests.add(interest);
                    }
                }
            }
            if (subject.party()) {
                List<Object> row = new ArrayList<>(PARTY_KEYS.length + 1);
                for (String key : PARTY_KEYS) {
                    row.add(subject.fields().get(key));  // arrays go out as lists, as the statement's do
                }
                row.add(interests);
                if (subject == start) {
                    startRow = row;
                } else {
                    rows.add(row);
                }
            }
        }
        if (startRow != null) {
            rows.add(startRow);
        }
        return new Walk(truncated, rows);
    }

    /** As the statement's `(start IS NULL OR start <= asOf) AND (end IS NULL OR end >= asOf)`: a value that
     * is not a date compares as null there, so the interest does not count. */
    private static boolean valid(Map<String, Object> fields, LocalDate asOf) {
        Object start = fields.get("start_date");
        if (start != null && !(start instanceof LocalDate from && !from.isAfter(asOf))) {
            return false;
        }
        Object end = fields.get("end_date");
        return end == null || (end instanceof LocalDate until && !until.isBefore(asOf));
    }

    /** As the statement's stop test (`StopIds`): an id holding a newline is never settled; a node without an
     * id makes the statement's predicate null, so the walk does not enter it either. Both walks stop so:
     * `known` tells only whether a plain id is settled. */
    private static boolean stopsAt(String id, Predicate<String> known) {
        return id == null || (id.indexOf('\n') < 0 && known.test(id));
    }

    /** Whether `known`, the settled ids grouped by their last `keyLength` characters, names the id. */
    private static boolean inGroups(String id, Map<String, Object> known, int keyLength) {
        String key = id.length() <= keyLength ? id : id.substring(id.length() - keyLength);
        return known.get(key) instanceof String ids && ids.contains("\n" + id + "\n");
    }
}
