package io.niotls.netty;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails tests on Netty leak reports. Registered for every test class of this module (service file
 * plus {@code junit.jupiter.extensions.autodetection.enabled}); it sets the detector to PARANOID
 * (every buffer and every OpenSSL engine tracked) and installs a detector factory whose detectors
 * record each report. After each test the reports so far fail it; after each class, a GC and a poll
 * of every detector catch what leaked late.
 */
public final class LeakCheck implements AfterEachCallback, AfterAllCallback {
  private static final List<String> REPORTS = new CopyOnWriteArrayList<>();
  private static final List<RecordingDetector<?>> DETECTORS = new CopyOnWriteArrayList<>();

  static {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(
        new ResourceLeakDetectorFactory() {
          @Override
          @SuppressWarnings("deprecation")
          public <T> ResourceLeakDetector<T> newResourceLeakDetector(
              Class<T> resource, int samplingInterval, long maxActive) {
            RecordingDetector<T> detector = new RecordingDetector<>(resource, samplingInterval);
            DETECTORS.add(detector);
            return detector;
          }
        });
  }

  @Override
  public void afterEach(ExtensionContext context) {
    check(context.getDisplayName());
  }

  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(30); // the reference handler enqueues the collected trackers
      for (RecordingDetector<?> detector : DETECTORS) {
        detector.poll();
      }
    }
    check(context.getDisplayName() + " (after GC)");
  }

  private static void check(String where) {
    if (!REPORTS.isEmpty()) {
      List<String> found = new ArrayList<>(REPORTS);
      REPORTS.clear();
      throw new AssertionError(
          found.size() + " Netty leak report(s) in " + where + ":\n" + String.join("\n\n", found));
    }
  }

  private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
    RecordingDetector(Class<T> resource, int samplingInterval) {
      super(resource, samplingInterval);
    }

    @Override
    protected boolean needReport() {
      return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
      REPORTS.add("LEAK: " + resourceType + records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
      REPORTS.add("LEAK: " + resourceType + " (no records)");
    }

    /** Tracking anything drains the detector's queue of collected, unreleased resources. */
    @SuppressWarnings("unchecked")
    void poll() {
      Object probe = new Object();
      ResourceLeakTracker<T> tracker = track((T) probe);
      if (tracker != null) {
        tracker.close((T) probe);
      }
    }
  }
}
