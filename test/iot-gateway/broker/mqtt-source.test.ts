// The MqttSource conformance suite against both adapters: the embedded aedes broker (always) and a client of the
// external broker at LH_TEST_MQTT_URL (skipped when it is unset).
import mqtt from 'mqtt';
import { connectDevice, endAll } from '../support/devices.js';
import { openGatewayWorld, type GatewayWorld } from '../support/gateway-world.js';
import { T0 } from '../support/readings.js';
import { mqttSourceConformance } from './mqtt-source-conformance.js';

async function world(devices: readonly string[], opts: Parameters<typeof openGatewayWorld>[0]): Promise<GatewayWorld> {
  const g = await openGatewayWorld(opts);
  for (const d of devices) await g.w.registerDevice(d, ['load-cell']);
  await g.restart(opts);
  return g;
}

mqttSourceConformance('embedded aedes', async (devices) => {
  const g = await world(devices, {});
  return { g, publisher: (d) => connectDevice(g.gw.mqttPort, d, T0), cleanup: () => g.close() };
});

mqttSourceConformance('external broker (Mosquitto)', async (devices) => {
  const url = process.env['LH_TEST_MQTT_URL'];
  if (url === undefined) {
    console.log('      SKIPPED: set LH_TEST_MQTT_URL=mqtt://127.0.0.1:1883 to run against Mosquitto');
    return undefined;
  }
  const opts = { mqttUrl: url, shareGroup: `lh-test-${process.pid}-${Date.now()}`, mqttSessionExpirySeconds: 60 };
  const g = await world(devices, opts);
  const clients: mqtt.MqttClient[] = [];
  return {
    g,
    async publisher(d) {
      const c = await mqtt.connectAsync(url, { clientId: `${d}-pub`, reconnectPeriod: 0 });
      clients.push(c);
      return c;
    },
    async cleanup() {
      await Promise.all(clients.map((c) => c.endAsync()));
      await endAll();
      await g.close();
    },
  };
});
