import LiveProtocol

/// Checks a decoded setup the way the service does after parsing it: the model, the modality and
/// the model-specific options. Field names and shapes were already checked against
/// ``MessageSchema`` by ``FrameParser``.
///
/// Served models are the ``LiveModel/known`` entries that are current or legacy on the path's
/// backend; retired and unknown ids are refused with 1008 "not found" like the service. The model
/// may be given as `models/<id>`, as a Vertex publisher path, or bare.
enum SetupValidator {
    /// The settings of `setup` on `path`, or the close the service would answer with.
    static func validate(_ setup: Setup, path: LivePath) -> Result<SessionSettings, CloseReason> {
        let id = setup.modelID
        guard !id.isEmpty else { return .failure(.invalidArgument) }
        guard let model = LiveModel.named(id), isServed(model, on: path.backend) else {
            switch path.backend {
            case .geminiAPI:
                let name = setup.model.hasPrefix("models/") ? setup.model : "models/\(id)"
                return .failure(.modelNotFound(model: name, apiVersion: path.apiVersion))
            case .vertexAI:
                return .failure(.vertexModelNotFound(model: setup.model))
            }
        }
        let modalities = setup.generationConfig?.responseModalities ?? [.audio]
        if modalities.count > 1 || modalities.contains(where: { $0 != .audio && $0 != .text }) {
            return .failure(.invalidArgument)
        }
        let wantsText = modalities.contains(.text)
        if wantsText && model.audioOnly {
            return .failure(model.id == "gemini-3.1-flash-live-preview" ? .textOnLivePreview : .textOnAudioModel)
        }
        if let reason = optionProblem(setup, model: model, path: path) { return .failure(reason) }
        let detection = setup.realtimeInputConfig?.automaticActivityDetection
        let handle = setup.sessionResumption?.handle
        return .success(
            SessionSettings(
                model: model, respondsWithText: wantsText, transcribesInput: setup.inputAudioTranscription != nil,
                transcribesOutput: setup.outputAudioTranscription != nil, activityDetection: detection,
                detectsActivityAutomatically: detection?.disabled != true,
                activityInterrupts: setup.realtimeInputConfig?.activityHandling != .noInterruption,
                functions: (setup.tools ?? []).flatMap { $0.functionDeclarations ?? [] },
                resumable: setup.sessionResumption != nil, resumeHandle: handle?.isEmpty == false ? handle : nil,
                voiceName: setup.generationConfig?.speechConfig?.voiceName,
                translation: setup.generationConfig?.translationConfig,
                nonBlockingFunctions: nonBlocking(setup, model: model)))
    }

    /// The declared functions the model calls without waiting: the declaration's behavior, else
    /// the model's ``LiveModel/defaultFunctionBehavior`` (gemini-3.8-live and extended thinking:
    /// NON_BLOCKING).
    static func nonBlocking(_ setup: Setup, model: LiveModel) -> Set<String> {
        let declarations = (setup.tools ?? []).flatMap { $0.functionDeclarations ?? [] }
        return Set(
            declarations.filter { ($0.behavior ?? model.defaultFunctionBehavior) == .nonBlocking }.map(\.name))
    }

    /// True when `model` is served on `backend` today.
    /// A Gemini-API model reported on Vertex AI (``LiveModel/reportedOnVertex``: conflicting
    /// sources) is served there too, so the simulator refuses nothing the service may accept.
    static func isServed(_ model: LiveModel, on backend: LivePath.Backend) -> Bool {
        if case .retired = model.status { return false }
        switch (model.backends, backend) {
        case (.both, _), (.geminiAPI, .geminiAPI), (.vertexAI, .vertexAI): return true
        case (.geminiAPI, .vertexAI) where model.reportedOnVertex: return true
        default: return false
        }
    }

    /// Options the model refuses (1007 invalid argument): thinking settings of the wrong kind, a
    /// thinking level the model lacks, and on extended thinking no level at all
    /// (ProfSynapse/nexus#389: closed 1007 unless low, medium or high; the reason text is not
    /// reported, so the generic one is used), proactivity it lacks or cannot turn off,
    /// translation settings on the wrong model or without a target, tools or an instruction on
    /// the translation model, and Vertex-only `transparent` resumption. A built-in tool a 3.x
    /// model lacks closes 1008 "Operation is not implemented…" (the service's wording for
    /// unsupported features; inferred).
    private static func optionProblem(_ setup: Setup, model: LiveModel, path: LivePath) -> CloseReason? {
        let thinking = setup.generationConfig?.thinkingConfig
        if let thinking {
            switch model.thinking {
            case .unsupported: return .invalidArgument
            case .budget where thinking.thinkingLevel != nil: return .invalidArgument
            case .level where thinking.thinkingBudget != nil: return .invalidArgument
            case .level:
                if let level = thinking.thinkingLevel, !model.thinkingLevels.contains(level) { return .invalidArgument }
            default: break
            }
        }
        if model.requiresThinkingLevel, thinking?.thinkingLevel == nil { return .invalidArgument }
        let translation = setup.generationConfig?.translationConfig
        if model.translates {
            guard let target = translation?.targetLanguageCode, LanguageTag.isValid(target) else {
                return .invalidArgument
            }
            if !(setup.tools ?? []).isEmpty || setup.systemInstruction != nil { return .invalidArgument }
        } else if translation != nil {
            return .invalidArgument
        }
        if let allowed = model.builtInTools {
            let used = (setup.tools ?? []).flatMap(\.builtInNames)
            if used.contains(where: { !allowed.contains($0) }) { return .operationNotSupported }
        }
        if let proactive = setup.proactivity?.proactiveAudio {
            if proactive && !model.proactiveAudio { return .invalidArgument }
            if !proactive && model.proactiveAudioAlwaysOn { return .invalidArgument }
        }
        if setup.sessionResumption?.transparent == true && path.backend == .geminiAPI { return .invalidArgument }
        return nil
    }
}
