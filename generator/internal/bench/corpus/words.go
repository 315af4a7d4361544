package corpus

// Word lists. Every name built from them is synthetic.

var givenHeads = []string{"Al", "Ber", "Cor", "Da", "El", "Fen", "Ga", "Hal", "Ir", "Jo", "Ka", "Le", "Mar", "Ne", "Or", "Pe", "Ra", "Sa", "Ta", "Ul", "Va", "Wen", "Yo", "Ze", "Bri", "Cas", "Dru", "Ev", "Ful", "Gwen", "Hes", "Isol"}
var givenTails = []string{"da", "len", "ric", "na", "vin", "ra", "mond", "lia", "ton", "sa", "rik", "nel", "beth", "do", "ro", "mira", "dric", "wyn", "lo", "tia"}
var surHeads = []string{"Ash", "Bren", "Cal", "Dor", "Ed", "Fal", "Grav", "Hol", "Ing", "Kes", "Lind", "Mor", "Nor", "Ost", "Pell", "Quin", "Rav", "Stal", "Tor", "Vel", "Wick", "Yar", "Brod", "Carr", "Dun", "Elm", "Fern", "Hask"}
var surTails = []string{"ford", "man", "sen", "ley", "ova", "ić", "escu", "ani", "berg", "ton", "wick", "ard", "ini", "rup", "vik", "ås", "ström", "ière", "holm", "ez"}

// Accented names, used for deliberate near-duplicates and folded to ASCII
// for the twin.
var accGiven = []string{"José", "Inés", "Ramón", "Sofía", "Andrés", "Lucía", "Tomás", "Mónica", "Joaquín", "Érica"}
var accSur = []string{"Núñez", "Peñalver", "Ibáñez", "Muñoz-Arlet", "Gómez-Tarr", "Álvarez-Quill", "Cortés", "Durán-Vey"}

type hangul struct{ rom, han string }

var koFamily = []hangul{{"Kim", "김"}, {"Lee", "이"}, {"Park", "박"}, {"Choi", "최"}, {"Jung", "정"}, {"Kang", "강"}, {"Cho", "조"}, {"Yoon", "윤"}, {"Jang", "장"}, {"Lim", "임"}, {"Han", "한"}, {"Seo", "서"}, {"Shin", "신"}, {"Kwon", "권"}, {"Hwang", "황"}, {"Ahn", "안"}, {"Song", "송"}, {"Hong", "홍"}, {"Moon", "문"}, {"Baek", "백"}}
var koGiven = []hangul{{"Min", "민"}, {"Jun", "준"}, {"Seo", "서"}, {"Yeon", "연"}, {"Ji", "지"}, {"Woo", "우"}, {"Hye", "혜"}, {"Soo", "수"}, {"Young", "영"}, {"Hee", "희"}, {"Jae", "재"}, {"Hyun", "현"}, {"Eun", "은"}, {"Sung", "성"}, {"Ha", "하"}, {"Na", "나"}, {"Do", "도"}, {"Kyung", "경"}, {"Tae", "태"}, {"Bin", "빈"}, {"Ho", "호"}, {"Rin", "린"}, {"Gyu", "규"}, {"Chan", "찬"}}

type country struct {
	name   string
	cities []string
}

var countries = []country{
	{"South Korea", []string{"Seoul", "Busan", "Incheon"}},
	{"United States", []string{"Washington, D.C.", "New York", "Honolulu"}},
	{"Japan", []string{"Tokyo", "Osaka"}},
	{"Germany", []string{"Berlin", "Bonn"}},
	{"France", []string{"Paris", "Strasbourg"}},
	{"United Kingdom", []string{"London", "Edinburgh"}},
	{"Canada", []string{"Ottawa", "Vancouver"}},
	{"Australia", []string{"Canberra", "Sydney"}},
	{"India", []string{"New Delhi", "Mumbai"}},
	{"Indonesia", []string{"Jakarta", "Bali"}},
	{"Brazil", []string{"Brasília", "Rio de Janeiro"}},
	{"Mexico", []string{"Mexico City"}},
	{"Norway", []string{"Oslo"}},
	{"Sweden", []string{"Stockholm"}},
	{"Finland", []string{"Helsinki"}},
	{"Poland", []string{"Warsaw"}},
	{"Italy", []string{"Rome"}},
	{"Spain", []string{"Madrid"}},
	{"Netherlands", []string{"The Hague", "Amsterdam"}},
	{"Switzerland", []string{"Geneva", "Bern"}},
	{"Vietnam", []string{"Hanoi"}},
	{"Philippines", []string{"Manila"}},
	{"Mongolia", []string{"Ulaanbaatar"}},
	{"New Zealand", []string{"Wellington"}},
	{"Chile", []string{"Santiago"}},
	{"Kenya", []string{"Nairobi"}},
	{"South Africa", []string{"Pretoria"}},
	{"Türkiye", []string{"Ankara"}},
	{"Singapore", []string{"Singapore"}},
	{"European Union", []string{"Brussels"}},
}

var dialogueKinds = []string{"Human Rights Dialogue", "Strategic Dialogue", "Security Policy Dialogue", "Economic Dialogue", "Energy Dialogue", "Nonproliferation Consultations", "Cyber Policy Dialogue", "Maritime Affairs Talks", "Climate Partnership Dialogue", "Trade Policy Forum", "Development Cooperation Talks", "Consular Consultations"}

var roles = []string{
	"Director General for Peninsula Affairs", "Deputy Assistant Secretary", "Special Envoy for Human Rights",
	"Ambassador", "Deputy Minister for Political Affairs", "Senior Advisor", "Head of the Policy Planning Staff",
	"Director for Nonproliferation", "Deputy Director General for Trade", "Chief Negotiator",
	"Legal Advisor", "Counsellor", "Minister-Counsellor", "Special Representative for Cyber Affairs",
	"Director for Regional Security", "Assistant Minister for Climate", "Deputy Head of Mission",
	"Principal Deputy Coordinator", "Director of the Treaties Division", "Senior Official for Energy",
}

var affiliations = []string{"Ministry of Foreign Affairs", "Ministry of Unification", "Department of State", "Ministry of Defence", "Ministry of Trade", "National Security Council", "Ministry of Justice", "Permanent Mission to the United Nations", "Ministry of Energy", "Office of the Prime Minister"}

var topicSubjects = []string{
	"Access to information", "Accountability", "Arms control", "Nuclear non-proliferation", "Export controls",
	"Maritime security", "Cyber security", "Supply chains", "Energy transition", "Climate finance",
	"Human rights", "Refugee protection", "Forced labour", "Detention conditions", "Freedom of expression",
	"Digital trade", "Critical minerals", "Semiconductors", "Space cooperation", "Public health",
	"Pandemic preparedness", "Food security", "Development finance", "Sanctions enforcement",
	"Missile technology", "Counter-terrorism", "Disinformation", "Election integrity", "Labour rights",
	"Migration", "Fisheries", "Arctic governance", "Ocean plastics", "Humanitarian access",
	"Family reunions", "Abductions", "Overseas workers", "Consular access", "Academic exchange",
	"Investment screening", "Data protection", "Artificial intelligence", "Shipping lanes", "Customs cooperation",
}

var regions = []string{"the Indo-Pacific", "the Arctic", "Northeast Asia", "Southeast Asia", "the Pacific Islands", "Europe", "the Korean Peninsula", "Central Asia", "the Sahel", "Latin America"}

var publishers = []string{"Harbor Wire", "The Meridian Post", "Continental Press Agency", "Eastern Ledger", "Capital Dispatch", "Northbridge Times", "Pacific Bulletin", "The Consular Review"}

var prose = []string{
	"the", "delegation", "delegations", "sides", "reaffirmed", "commitment", "to", "a", "framework", "for",
	"cooperation", "on", "regional", "stability", "and", "the", "protection", "of", "civilians", "in",
	"both", "parties", "noted", "progress", "since", "previous", "round", "welcomed", "joint", "statement",
	"called", "further", "consultations", "working", "level", "experts", "agreed", "exchange", "information",
	"concerns", "about", "situation", "discussed", "implementation", "measures", "including", "review",
	"mechanism", "annual", "report", "ministers", "officials", "briefed", "on", "recent", "developments",
	"with", "partners", "international", "community", "resolution", "council", "transparency", "dialogue",
	"constructive", "candid", "session", "meeting", "talks", "proposal", "draft", "text", "principles",
	"sustained", "engagement", "capacity", "building", "assistance", "civil", "society", "organisations",
	"were", "invited", "present", "findings", "highlighted", "need", "coordinated", "response", "risks",
	"emerging", "technologies", "trade", "investment", "security", "environment", "obligations", "under",
	"treaty", "law", "standards", "monitoring", "verification", "follow-up", "timeline", "priorities",
	"next", "year", "steps", "would", "continue", "also", "it", "was", "that", "this", "their", "its",
	"is", "as", "by", "from", "at", "an", "which", "will", "be", "has", "have", "been", "not", "more",
}

var codeLangs = []string{"go", "json", "yaml", "text", "python"}
