// The bundle behind the modeler page: bpmn-js Modeler with its properties panel and
// shangliang's provider, exposed as window.ShangliangModeler (built by `make assets`).
import Modeler from "bpmn-js/lib/Modeler";
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from "bpmn-js-properties-panel";
import ShangliangPropertiesProvider, { readProperty } from "./shangliang-properties.js";
import spiffworkflow from "./spiffworkflow.json";
import { translateModule } from "./translate.js";

const ShangliangPropertiesModule = {
  __init__: ["shangliangPropertiesProvider"],
  shangliangPropertiesProvider: ["type", ShangliangPropertiesProvider],
};

function create({ container, panel, choices }) {
  return new Modeler({
    container,
    propertiesPanel: { parent: panel },
    additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, ShangliangPropertiesModule,
                        ...translateModule(choices.locale)],
    moddleExtensions: { spiffworkflow },
    shangliang: choices,
  });
}

function viewer(container) {
  return new NavigatedViewer({ container, moddleExtensions: { spiffworkflow } });
}

window.ShangliangModeler = { create, viewer, readProperty };
